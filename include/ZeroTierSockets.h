/* For programs written against libzt: its header name, ztsdk's API. */
#ifndef ZTSDK_ZEROTIERSOCKETS_H
#define ZTSDK_ZEROTIERSOCKETS_H
#include "zts.h"
#endif
