/*
 * Backsight corpus: bpfshape.h  (shared by the bpf/ samples; compiled only, never loaded)
 *
 * What the eBPF samples need, written here so they build with `clang -target bpf` alone (no
 * kernel or libbpf headers): section and map declarations in libbpf's conventions, helper
 * prototypes by their numbers in include/uapi/linux/bpf.h, the tracepoint argument layouts of
 * syscalls:sys_enter_* / sys_exit_* (a common header, the syscall number, then the arguments).
 */
#ifndef BPFSHAPE_H
#define BPFSHAPE_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long s64;

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, value) int (*name)[value]
#define __type(name, type) type *name

#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_RINGBUF 27

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, u64 flags) = (void *)2;
static long (*bpf_map_delete_elem)(void *map, const void *key) = (void *)3;
static u64 (*bpf_get_current_pid_tgid)(void) = (void *)14;
static long (*bpf_get_current_comm)(void *buf, u32 size) = (void *)16;
static long (*bpf_probe_write_user)(void *dst, const void *src, u32 len) = (void *)36;
static long (*bpf_probe_read_user)(void *dst, u32 size, const void *unsafe_ptr) = (void *)112;
static long (*bpf_probe_read_user_str)(void *dst, u32 size, const void *unsafe_ptr) = (void *)114;
static long (*bpf_ringbuf_output)(void *ringbuf, void *data, u64 size, u64 flags) = (void *)130;

/* The registers a user-space probe sees (x86-64 layout; the samples build for bpfel). */
struct pt_regs { unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss; };
#define PT_REGS_PARM1(x) ((x)->di)
#define PT_REGS_PARM2(x) ((x)->si)
#define PT_REGS_PARM3(x) ((x)->dx)
#define PT_REGS_RC(x) ((x)->ax)

struct trace_entry { u16 type; u8 flags; u8 preempt_count; int pid; };
struct syscall_enter { struct trace_entry entry; long id; unsigned long args[6]; };
struct syscall_exit { struct trace_entry entry; long id; long ret; };

/* include/linux/dirent.h */
struct linux_dirent64 { u64 d_ino; s64 d_off; unsigned short d_reclen; unsigned char d_type; char d_name[]; };

#endif
