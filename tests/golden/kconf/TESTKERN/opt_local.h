#define LOCAL_OPT 1
