#ifndef BACKSIGHT_CCAPSTONE_SHIM_H
#define BACKSIGHT_CCAPSTONE_SHIM_H
#include <capstone/capstone.h>
#endif
