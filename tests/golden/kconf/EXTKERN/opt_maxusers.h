#define MAXUSERS 0
