#define MAXUSERS 16
