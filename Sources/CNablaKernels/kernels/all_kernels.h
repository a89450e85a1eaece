// Every kernel body, for the variant files to compile under their own target settings. Each
// body names its functions through KERNEL(name), which the including file defines.
#include "../vector_support.h"
#include "activations.h"
#include "adagrad.h"
#include "exp.h"
#include "finite.h"
#include "gru.h"
#include "rows.h"
#include "softmax_cross_entropy.h"
