// libgit2 for Swift: the header, plus functions for what does not import (variadic calls).
#ifndef MLMD_CGIT2_SHIM_H
#define MLMD_CGIT2_SHIM_H

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
// zlib (a dependency of libgit2-dev) compresses the objects of the packs MLMetadataGit writes.
#include <zlib.h>

// git_libgit2_opts is variadic.
static inline int mlmd_git_enable_strict_object_creation(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, enabled);
}

static inline int mlmd_git_enable_fsync(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, enabled);
}

#endif
