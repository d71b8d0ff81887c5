#define HAMMER_CPU 1
