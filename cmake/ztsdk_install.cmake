# `cmake --install`: libztsdk.a and libztsdk.so, the two headers, a
# pkg-config file (ztsdk.pc) and a CMake package (find_package(ztsdk) gives
# ztsdk::ztsdk, the shared library, and ztsdk::ztsdk_static).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS ztsdk_static ztsdk_shared
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT Development)
install(FILES ${CMAKE_SOURCE_DIR}/include/zts.h ${CMAKE_SOURCE_DIR}/include/ZeroTierSockets.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# What a static link needs besides libztsdk.a (the shared library records
# its own dependencies). A C program also needs the C++ runtime.
set(ZTSDK_PC_REQUIRES_PRIVATE "libsodium liblz4 libcrypto cpp-httplib")
set(ZTSDK_PC_LIBS_PRIVATE "-lstdc++ -lm -lpthread")
# Relative to the .pc file, so `cmake --install --prefix DIR` works anywhere.
file(RELATIVE_PATH ZTSDK_PC_UP /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" ZTSDK_PC_UP "${ZTSDK_PC_UP}")
set(ZTSDK_PC_PREFIX "\${pcfiledir}/${ZTSDK_PC_UP}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/ztsdk.pc.in ${CMAKE_BINARY_DIR}/ztsdk.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/ztsdk.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

set(ZTSDK_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ztsdk)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/ztsdkConfig.cmake.in
  ${CMAKE_BINARY_DIR}/ztsdkConfig.cmake
  INSTALL_DESTINATION ${ZTSDK_CMAKE_DIR}
  PATH_VARS CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_INCLUDEDIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/ztsdkConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/ztsdkConfig.cmake ${CMAKE_BINARY_DIR}/ztsdkConfigVersion.cmake
  DESTINATION ${ZTSDK_CMAKE_DIR})
