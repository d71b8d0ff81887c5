#define KERNEL_VM 1
