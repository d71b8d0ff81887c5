#define INET 1
#define INET6 1
