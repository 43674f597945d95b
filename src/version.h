/* version.h -- the tool version recorded in every run. */
#ifndef HWSWEEP_VERSION_H
#define HWSWEEP_VERSION_H
#define HWSWEEP_VERSION "0.1.0"
#endif
