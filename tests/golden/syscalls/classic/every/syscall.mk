# DragonFly system call names.
# DO NOT EDIT-- To regenerate this file, edit syscalls.master followed
#               by running make sysent in the same directory.
MIASM =  \
	syscall.o \
	exit.o \
	read.o \
	open.o \
	wait4.o \
	getpid.o \
	netbsd_lchown.o \
	nfssvc.o \
	nosys.o \
	lkmressys.o \
	sync.o \
	mmap.o \
	execve.o \
	__sysctl.o \
	oldcall.o \
	newcall.o \
	dollar.o \
	getppid.o \
	lwp_create.o \
	pread.o
