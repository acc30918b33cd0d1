#!/bin/sh
# POSIX semantics inside a bank, in pjdfstest's expect style; then as an
# unprivileged user (uid 65534) on an allow_other mount, where EACCES and
# EPERM must come exactly where a POSIX filesystem gives them.
. "$(dirname "$0")/../misc.sh"

mount_pynqfs -o allow_other
cp "$DESIGNS/vadd.xclbin" "$CARD/overlay"
ok $? "load vadd"
d=$CARD/banks/bank0
n=nobody_uid
U=65534

# open(2) flags
expect 0 open "$d/f" O_CREAT,O_WRONLY 0644
expect EEXIST open "$d/f" O_CREAT,O_EXCL,O_WRONLY 0644
expect ENOENT open "$d/none" O_RDONLY
expect 0 open "$d/f" O_RDWR,O_APPEND
expect 0644 stat "$d/f" mode
expect 0 mkdir "$d/dir" 0755
expect EISDIR open "$d/dir" O_WRONLY
expect ENOTDIR open "$d/f/x" O_RDONLY
expect ENOENT open "$d/none/x" O_CREAT,O_WRONLY 0644

# truncate / ftruncate
expect 0 pwrite "$d/f" 0 abcdef
expect 0 truncate "$d/f" 3
expect 3 stat "$d/f" size
expect abc pread "$d/f" 0 10
expect 0 ftruncate "$d/f" 100
expect 100 stat "$d/f" size
expect EISDIR truncate "$d/dir" 0
expect EINVAL truncate "$d/f" -1
expect ENOENT truncate "$d/none" 0

# O_APPEND writes go to the end
printf 'XY' >>"$d/f"
expect 102 stat "$d/f" size

# unlink / rmdir / mkdir
expect EISDIR unlink "$d/dir"
expect ENOTDIR rmdir "$d/f"
expect EEXIST mkdir "$d/dir" 0755
expect EEXIST mkdir "$d/f" 0755
expect 0 open "$d/dir/in" O_CREAT,O_WRONLY 0600
expect ENOTEMPTY rmdir "$d/dir"
expect 0 unlink "$d/dir/in"
expect ENOENT unlink "$d/dir/in"
expect 0 rmdir "$d/dir"
expect ENOENT stat "$d/dir" mode

# rename
expect 0 mkdir "$d/a" 0755
expect 0 mkdir "$d/b" 0755
expect 0 open "$d/b/x" O_CREAT,O_WRONLY 0644
expect EISDIR rename "$d/f" "$d/a"
expect ENOTDIR rename "$d/a" "$d/f"
expect ENOTEMPTY rename "$d/a" "$d/b"
expect EINVAL rename "$d/a" "$d/a/sub"
expect 0 rename "$d/a" "$d/c"
expect ENOENT stat "$d/a" mode
expect 0 open "$d/g" O_CREAT,O_WRONLY 0644
expect 0 pwrite "$d/g" 0 gggg
expect 0 rename "$d/g" "$d/f"
expect gggg pread "$d/f" 0 4
expect 4 stat "$d/f" size
expect 0 rename "$d/f" "$d/f"

# chmod / chown / times / nlink
expect 0 chmod "$d/f" 0600
expect 0600 stat "$d/f" mode
expect 0 chmod "$d/c" 01777
expect 01777 stat "$d/c" mode
expect 0 chown "$d/f" $U $U
expect $U stat "$d/f" uid
expect $U stat "$d/f" gid
expect 0 utime "$d/f" 1000000000 1200000000
expect 1000000000 stat "$d/f" atime
expect 1200000000 stat "$d/f" mtime
expect 1 stat "$d/f" nlink
expect 2 stat "$d/b" nlink
expect 0 mkdir "$d/b/sub" 0755
expect 3 stat "$d/b" nlink
expect 2 stat "$d/b/sub" nlink

# mtime moves on write
expect 0 utime "$d/f" 1000000000 1000000000
expect 0 pwrite "$d/f" 0 z
[ "$($FSTEST stat "$d/f" mtime)" -gt 1000000000 ]
ok $? "a write updates mtime"

# As uid 65534: the bank belongs to root, mode 1755.
expect_as $U EACCES open "$d/mine" O_CREAT,O_WRONLY 0644
expect_as $U EACCES mkdir "$d/mydir" 0755
expect 0 open "$d/secret" O_CREAT,O_WRONLY 0600
expect_as $U EACCES open "$d/secret" O_RDONLY
expect 0 chmod "$d/secret" 0644
expect_as $U 0 open "$d/secret" O_RDONLY
expect_as $U EACCES open "$d/secret" O_WRONLY
expect_as $U EPERM chmod "$d/secret" 0666
expect_as $U EPERM chown "$d/secret" $U $U
expect_as $U EPERM utime "$d/secret" 1 1
expect_as $U EACCES truncate "$d/secret" 0
expect_as $U EACCES unlink "$d/secret"

# A directory the user owns: all is theirs there.
expect 0 mkdir "$d/home" 0755
expect 0 chown "$d/home" $U $U
expect_as $U 0 open "$d/home/x" O_CREAT,O_WRONLY 0600
expect $U stat "$d/home/x" uid
expect_as $U 0 pwrite "$d/home/x" 0 hi
expect_as $U hi pread "$d/home/x" 0 2
expect_as $U 0 chmod "$d/home/x" 0640
expect_as $U 0 truncate "$d/home/x" 4096
expect_as $U 0 mkdir "$d/home/sub" 0700
expect_as $U 0 rename "$d/home/x" "$d/home/sub/y"
expect_as $U EPERM chown "$d/home/sub/y" 0 0
expect_as $U 0 unlink "$d/home/sub/y"
expect_as $U 0 rmdir "$d/home/sub"

# The sticky bit (bank dir made world-writable and sticky, as /tmp).
expect 0 chmod "$d" 01777
expect_as $U 0 open "$d/shared" O_CREAT,O_WRONLY 0644
expect_as $U EPERM unlink "$d/secret"
expect_as $U EPERM rename "$d/secret" "$d/stolen"
expect 0 unlink "$d/shared"

# Generated files: others may read, nobody writes.
expect_as $U 0 open "$CARD/state" O_RDONLY
expect_as $U EACCES open "$CARD/overlay" O_WRONLY
expect_as $U EACCES open "$CARD/state" O_WRONLY

unmount_pynqfs
done_testing
