#ifndef BACKSIGHT_CSQUASHFS_SHIM_H
#define BACKSIGHT_CSQUASHFS_SHIM_H
#include <stdlib.h>
#include <string.h>
#include <sqfs/predef.h>
#include <sqfs/io.h>
#include <sqfs/super.h>
#include <sqfs/compressor.h>
#include <sqfs/dir.h>
#include <sqfs/dir_reader.h>
#include <sqfs/data_reader.h>
#include <sqfs/inode.h>
#include <sqfs/error.h>

/// A read-only sqfs_file_t over bytes in memory (libsquashfs only ships files on disk). Reads
/// outside the bytes fail with SQFS_ERROR_OUT_OF_BOUNDS and record where they were asked for.
typedef struct {
    sqfs_file_t base;
    const unsigned char *bytes;
    sqfs_u64 size;
    /// The offset of the last read that went past the end (or UINT64_MAX).
    sqfs_u64 failed_at;
} backsight_sqfs_memory_file;

static inline int backsight_sqfs_memory_read_at(sqfs_file_t *file, sqfs_u64 offset, void *buffer, size_t size) {
    backsight_sqfs_memory_file *memory = (backsight_sqfs_memory_file *)file;
    if (offset > memory->size || size > memory->size - offset) { memory->failed_at = offset; return SQFS_ERROR_OUT_OF_BOUNDS; }
    if (size > 0) memcpy(buffer, memory->bytes + offset, size);
    return 0;
}
static inline int backsight_sqfs_memory_write_at(sqfs_file_t *file, sqfs_u64 offset, const void *buffer, size_t size) {
    (void)file; (void)offset; (void)buffer; (void)size;
    return SQFS_ERROR_IO;
}
static inline sqfs_u64 backsight_sqfs_memory_get_size(const sqfs_file_t *file) { return ((const backsight_sqfs_memory_file *)file)->size; }
static inline int backsight_sqfs_memory_truncate(sqfs_file_t *file, sqfs_u64 size) { (void)file; (void)size; return SQFS_ERROR_IO; }
static inline void backsight_sqfs_memory_destroy(sqfs_object_t *object) { free(object); }

/// A memory file over `size` bytes at `bytes` (which must outlive it); free with sqfs_destroy.
static inline backsight_sqfs_memory_file *backsight_sqfs_memory_file_new(const void *bytes, sqfs_u64 size) {
    backsight_sqfs_memory_file *memory = calloc(1, sizeof *memory);
    if (memory == NULL) return NULL;
    memory->base.base.destroy = backsight_sqfs_memory_destroy;
    memory->base.base.copy = NULL;
    memory->base.read_at = backsight_sqfs_memory_read_at;
    memory->base.write_at = backsight_sqfs_memory_write_at;
    memory->base.get_size = backsight_sqfs_memory_get_size;
    memory->base.truncate = backsight_sqfs_memory_truncate;
    memory->bytes = bytes;
    memory->size = size;
    memory->failed_at = UINT64_MAX;
    return memory;
}
static inline sqfs_file_t *backsight_sqfs_memory_file_base(backsight_sqfs_memory_file *memory) { return &memory->base; }
static inline void backsight_sqfs_destroy(void *object) { sqfs_destroy(object); }

/// A directory entry's name (stored without its terminator, `size` + 1 bytes long).
static inline const unsigned char *backsight_sqfs_entry_name(const sqfs_dir_entry_t *entry, size_t *length) {
    *length = (size_t)entry->size + 1;
    return entry->name;
}

/// A symbolic link inode's target (stored after the inode, `target_size` bytes).
static inline const unsigned char *backsight_sqfs_link_target(const sqfs_inode_generic_t *inode, size_t *length) {
    sqfs_u32 size = inode->base.type == SQFS_INODE_EXT_SLINK ? inode->data.slink_ext.target_size : inode->data.slink.target_size;
    if (size > inode->payload_bytes_used) size = inode->payload_bytes_used;
    *length = size;
    return inode->extra;
}

/// The link count of a regular file inode (1 for the basic form).
static inline sqfs_u32 backsight_sqfs_file_links(const sqfs_inode_generic_t *inode) {
    return inode->base.type == SQFS_INODE_EXT_FILE ? inode->data.file_ext.nlink : 1;
}

#endif
