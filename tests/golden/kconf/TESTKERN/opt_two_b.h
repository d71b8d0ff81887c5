#define TWO_B 1
