// System calls that Swift's Glibc module does not expose (they need _GNU_SOURCE).
#ifndef CMLMDSHIMS_H
#define CMLMDSHIMS_H

/// syncfs(2): flushes the file system holding `fd`. Falls back to sync(2) where unavailable.
int mlmd_syncfs(int fd);

#endif
