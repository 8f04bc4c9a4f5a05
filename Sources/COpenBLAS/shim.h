// OpenBLAS through its CBLAS interface; thread controls declared here so a
// different cblas.h cannot break the build.
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);
