#define KTR 1
#define KTR_ENTRIES 0x400
