#define ROOTDEVNAME "ufs:da0s2e"
