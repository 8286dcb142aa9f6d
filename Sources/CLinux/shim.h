#pragma once
// Linux calls that Swift's Glibc module does not show: signalfd, the variadic prctl, renameat2 and
// pipe2 (declared only under _GNU_SOURCE, which the prebuilt Glibc module was not built with).
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>

int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);
int pipe2(int pipefd[2], int flags);

/// Renames without ever replacing an existing file (fails with EEXIST instead).
static inline int qzoom_rename_noreplace(const char *from, const char *to) {
    return renameat2(AT_FDCWD, from, AT_FDCWD, to, 1 /* RENAME_NOREPLACE */);
}

/// prctl is variadic, which Swift cannot call; this asks the kernel to send `signal` to the calling
/// process when its parent dies, so a worker never outlives a daemon that was killed with SIGKILL.
static inline int qzoom_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
}
