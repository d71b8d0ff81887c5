#define LONG_DECL 1
