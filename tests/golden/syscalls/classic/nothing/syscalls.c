/*
 * System call names.
 *
 * DO NOT EDIT-- To regenerate this file, edit syscalls.master followed
 *               by running make sysent in the same directory.
 */

const char *syscallnames[] = {
};
