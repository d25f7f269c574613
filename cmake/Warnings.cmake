# Applied to the project's own targets only.  The build has no warnings; the preset that
# CI builds (asan) turns them into errors, so that it stays so (BARBERSHOP_WERROR).
option(BARBERSHOP_WERROR "Treat the project's compiler warnings as errors" OFF)

function(barbershop_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter -Wshadow -Wconversion)
  if(BARBERSHOP_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
