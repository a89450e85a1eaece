#ifndef NABLA_COPENBLAS_SHIM_H
#define NABLA_COPENBLAS_SHIM_H
// The CBLAS interface of OpenBLAS (Debian: libopenblas-dev, pkg-config name "openblas").
#include <cblas.h>
#endif
