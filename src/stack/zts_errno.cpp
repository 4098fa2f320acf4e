// zts_errno: one per thread (libzt has one per process, which threads race on).
#include "zts.h"

thread_local int zts_errno = 0;
