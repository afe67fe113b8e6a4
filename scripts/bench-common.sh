# Sourced by the benchmark scripts (bench.sh, bench-incremental.sh, callgrind.sh):
# what every benchmark site looks like, and how earlier runs are cleared away.

# bench_config SITE_DIR: the config every benchmark site is built with.
bench_config() {
  printf 'title = "News archive"\nbase_url = "https://archive.example.org"\ntimezone = "Asia/Shanghai"\npaginate = 10\n' >"$1/config.toml"
}

# Outputs of earlier runs are moved aside, not deleted, until the script ends.
# On ext4 without a journal (this machine's disk), creating files within minutes of
# deleting many others is several times slower: the allocator skips inodes freed
# "recently" (fs/ext4/ialloc.c, recently_deleted), probing each one. Deleting one
# run's 12k-220k files just before the next run would time that, not the tools.
# Call trash_init WORK once; then set_aside PATH... as often as needed.
trash_init() {
  TRASH="$1/trash"
  mkdir -p "$TRASH"
  trap 'rm -rf "$TRASH"' EXIT
}
set_aside() { for d in "$@"; do [ ! -e "$d" ] || mv "$d" "$(mktemp -d "$TRASH/run.XXXXXX")/"; done; }
