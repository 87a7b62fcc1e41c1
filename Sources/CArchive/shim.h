#ifndef BACKSIGHT_CARCHIVE_SHIM_H
#define BACKSIGHT_CARCHIVE_SHIM_H
#include <archive.h>
#include <archive_entry.h>

/// The archive formats a reader may recognise (bits of `backsight_archive_reader_new`).
enum {
    BACKSIGHT_ARCHIVE_TAR = 1 << 0,
    BACKSIGHT_ARCHIVE_CPIO = 1 << 1,
    BACKSIGHT_ARCHIVE_AR = 1 << 2,
    BACKSIGHT_ARCHIVE_ZIP = 1 << 3,
    BACKSIGHT_ARCHIVE_7ZIP = 1 << 4,
    BACKSIGHT_ARCHIVE_ISO9660 = 1 << 5,
    /// Content that is no archive becomes one entry (a compressed single file).
    BACKSIGHT_ARCHIVE_RAW = 1 << 6,
};

/// A reader for the given formats with every filter libarchive decodes in-process (gzip, bzip2,
/// xz, lzma, lzip, zstd, lz4, compress, rpm). Filters that would run an external program
/// (lzop, grzip, lrzip) are never enabled, nor formats that read other files (mtree). NULL if
/// libarchive was built without one of the in-process decoders (it would fall back to a program).
static inline struct archive *backsight_archive_reader_new(unsigned formats) {
    struct archive *archive = archive_read_new();
    if (archive == NULL) return NULL;
    int (*const filters[])(struct archive *) = {
        archive_read_support_filter_gzip, archive_read_support_filter_bzip2, archive_read_support_filter_xz,
        archive_read_support_filter_lzma, archive_read_support_filter_lzip, archive_read_support_filter_zstd,
        archive_read_support_filter_lz4, archive_read_support_filter_compress, archive_read_support_filter_rpm,
    };
    for (unsigned index = 0; index < sizeof filters / sizeof filters[0]; index++) {
        if (filters[index](archive) != ARCHIVE_OK) { archive_read_free(archive); return NULL; }
    }
    int status = ARCHIVE_OK;
    if (formats & BACKSIGHT_ARCHIVE_TAR) status |= archive_read_support_format_tar(archive);
    if (formats & BACKSIGHT_ARCHIVE_CPIO) status |= archive_read_support_format_cpio(archive);
    if (formats & BACKSIGHT_ARCHIVE_AR) status |= archive_read_support_format_ar(archive);
    if (formats & BACKSIGHT_ARCHIVE_ZIP) status |= archive_read_support_format_zip(archive);
    if (formats & BACKSIGHT_ARCHIVE_7ZIP) status |= archive_read_support_format_7zip(archive);
    if (formats & BACKSIGHT_ARCHIVE_ISO9660) status |= archive_read_support_format_iso9660(archive);
    if (formats & BACKSIGHT_ARCHIVE_RAW) status |= archive_read_support_format_raw(archive);
    if (status != ARCHIVE_OK) { archive_read_free(archive); return NULL; }
    return archive;
}

/// File type bits (AE_IF* are macros over octal constants).
static inline unsigned backsight_archive_entry_type(struct archive_entry *entry) { return (unsigned)archive_entry_filetype(entry); }
static inline unsigned backsight_ae_regular(void) { return AE_IFREG; }
static inline unsigned backsight_ae_symlink(void) { return AE_IFLNK; }
static inline unsigned backsight_ae_directory(void) { return AE_IFDIR; }
#endif
