/*
 * Naming a program as libdfalloc does at its start: the hash of the
 * path the kernel reports for it (/proc/self/exe, links resolved) and
 * of the GNU build id notes of its file.  Here the file is read, not
 * run: its program headers locate the note segments.
 */
#define	_DEFAULT_SOURCE

#include <sys/mman.h>
#include <sys/stat.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dfalloc_tool.h"
#include "dfa_store.h"

/* A program header's type, offset and size in the file, either class. */
static int
dfalloc_phdr(const unsigned char *buf, size_t len, size_t at, int is64,
    uint32_t *type, uint64_t *off, uint64_t *size)
{
	Elf64_Phdr p64;
	Elf32_Phdr p32;

	if (is64) {
		if (at > len || len - at < sizeof(p64))
			return (-1);
		memcpy(&p64, buf + at, sizeof(p64));
		*type = p64.p_type;
		*off = p64.p_offset;
		*size = p64.p_filesz;
	} else {
		if (at > len || len - at < sizeof(p32))
			return (-1);
		memcpy(&p32, buf + at, sizeof(p32));
		*type = p32.p_type;
		*off = p32.p_offset;
		*size = p32.p_filesz;
	}
	return (0);
}

/*
 * `key` on from the build id notes of the ELF file in `buf`: 0, or -1
 * with `why` when it is not an ELF file this host could run.
 */
int
dfalloc_elf_key(const unsigned char *buf, size_t len, uint64_t *key,
    const char **why)
{
	Elf64_Ehdr e64;
	Elf32_Ehdr e32;
	uint64_t phoff, off, size;
	size_t phentsize, phnum, i;
	uint32_t type;
	int is64;

	if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) != 0) {
		*why = "not an ELF file (a script's profile is its "
		    "interpreter's)";
		return (-1);
	}
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (buf[EI_DATA] != ELFDATA2LSB) {
#else
	if (buf[EI_DATA] != ELFDATA2MSB) {
#endif
		*why = "an ELF file of the other byte order";
		return (-1);
	}
	is64 = buf[EI_CLASS] == ELFCLASS64;
	if (is64 && len >= sizeof(e64)) {
		memcpy(&e64, buf, sizeof(e64));
		phoff = e64.e_phoff;
		phentsize = e64.e_phentsize;
		phnum = e64.e_phnum;
	} else if (buf[EI_CLASS] == ELFCLASS32 && len >= sizeof(e32)) {
		memcpy(&e32, buf, sizeof(e32));
		phoff = e32.e_phoff;
		phentsize = e32.e_phentsize;
		phnum = e32.e_phnum;
	} else {
		*why = "a damaged ELF header";
		return (-1);
	}
	if (phentsize < (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) ||
	    phoff > len || phnum > (len - phoff) / phentsize) {
		*why = "program headers outside the file";
		return (-1);
	}
	for (i = 0; i < phnum; i++) {
		if (dfalloc_phdr(buf, len, (size_t)phoff + i * phentsize,
		    is64, &type, &off, &size) != 0 || type != PT_NOTE)
			continue;
		if (off > len || size > len - off) {
			*why = "a note segment outside the file";
			return (-1);
		}
		*key = dfa_notes_hash(*key, buf + off, (size_t)size);
	}
	return (0);
}

/* `name` as the shell finds it: a path, or the first in $PATH. */
static int
dfalloc_which(const char *name, char *out, size_t size)
{
	const char *path, *end;
	int n;

	if (strchr(name, '/') != NULL) {
		n = snprintf(out, size, "%s", name);
		return (n >= 0 && (size_t)n < size ? 0 : -1);
	}
	path = getenv("PATH");
	if (path == NULL)
		path = "/usr/bin:/bin";
	for (; *path != '\0'; path = *end != '\0' ? end + 1 : end) {
		end = strchr(path, ':');
		if (end == NULL)
			end = path + strlen(path);
		n = snprintf(out, size, "%.*s/%s", (int)(end - path), path,
		    name);
		if (n >= 0 && (size_t)n < size && access(out, X_OK) == 0)
			return (0);
	}
	errno = ENOENT;
	return (-1);
}

/*
 * The program `name` (a path, or a command in $PATH) into `p`; keyed by
 * `installed` instead of its own path when that is given (a packager's
 * staged file).  0, or -1 after saying why.
 */
int
dfalloc_prog_find(struct dfalloc_prog *p, const char *name,
    const char *installed)
{
	char file[PATH_MAX], real[PATH_MAX];
	const unsigned char *map;
	const char *why;
	struct stat st;
	int fd, r;

	if (dfalloc_which(name, file, sizeof(file)) != 0 ||
	    realpath(file, real) == NULL) {
		fprintf(stderr, "dfalloc: %s: %s\n", name, strerror(errno));
		return (-1);
	}
	snprintf(p->path, sizeof(p->path), "%s",
	    installed != NULL ? installed : real);
	fd = open(real, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "dfalloc: %s: %s\n", real, strerror(errno));
		if (fd >= 0)
			close(fd);
		return (-1);
	}
	map = NULL;
	if (S_ISREG(st.st_mode) && st.st_size > 0)
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
		    fd, 0);
	close(fd);
	if (map == NULL || map == MAP_FAILED) {
		fprintf(stderr, "dfalloc: %s: not a program file\n", real);
		return (-1);
	}
	p->key = dfa_fnv(DFA_FNV_BASIS, p->path, strlen(p->path));
	r = dfalloc_elf_key(map, (size_t)st.st_size, &p->key, &why);
	munmap((void *)(uintptr_t)map, (size_t)st.st_size);
	if (r != 0) {
		fprintf(stderr, "dfalloc: %s: %s\n", real, why);
		return (-1);
	}
	return (0);
}
