#define DDB 1
