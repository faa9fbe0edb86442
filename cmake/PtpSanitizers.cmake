# ASan+UBSan for the whole build when PTP_SANITIZE is on (the `dev` preset turns it on).
if(PTP_SANITIZE)
  if(CMAKE_CROSSCOMPILING)
    message(FATAL_ERROR "PTP_SANITIZE is for native builds only")
  endif()
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
