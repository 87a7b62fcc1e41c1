/*
 * Backsight corpus hard negative: kernel/plain-driver  (compiled only, never loaded)
 *
 * An ordinary character driver: file operations owned by THIS_MODULE, a sysfs attribute
 * table (name strings next to show/store functions), a kobject created under the module's
 * own sysfs directory (&THIS_MODULE->mkobj.kobj, a legitimate parent), a page mapped with
 * vmap for a ring buffer, and modversions CRCs in __versions as modpost writes them.
 */
#include "../../src/kshape.h"

MODINFO(license, "GPL");
MODINFO(name, "plain_driver");
MODINFO(depends, "");
MODINFO(retpoline, "Y");
MODINFO(intree, "Y");
MODINFO(vermagic, CORPUS_VERMAGIC);
DEFINE_THIS_MODULE("plain_driver");

struct modversion_info { ulong crc; char name[64 - sizeof(ulong)]; };
static const struct modversion_info versions[]
	__attribute__((used, section("__versions"), aligned(8))) = {
	{ 0x5a5a1234, "module_layout" },
	{ 0x1c2d3e4f, "_printk" },
	{ 0x0badcafe, "vmap" },
};

struct file_operations { struct module *owner; void *read; void *write; void *open; void *release; };
struct attribute { const char *name; unsigned short mode; };
struct kobj_attribute { struct attribute attr; void *show; void *store; };

extern struct kobject *kobject_create_and_add(const char *name, struct kobject *parent);
extern void kobject_put(struct kobject *kobj);
extern int __register_chrdev(unsigned major, unsigned base, unsigned count, const char *name, const struct file_operations *fops);
extern void __unregister_chrdev(unsigned major, unsigned base, unsigned count, const char *name);
extern struct page *alloc_pages(unsigned gfp, unsigned order);

static char buffer[64];
static unsigned char *ring;

static long dev_read(void *file, char *out, size_t len, long long *pos)
{
	(void)file; (void)pos;
	memcpy(out, buffer, len < sizeof(buffer) ? len : sizeof(buffer));
	return (long)len;
}

static long level_show(struct kobject *k, struct kobj_attribute *a, char *out)
{
	(void)k; (void)a;
	out[0] = buffer[0];
	return 1;
}

static long level_store(struct kobject *k, struct kobj_attribute *a, const char *in, size_t n)
{
	(void)k; (void)a;
	buffer[0] = in[0];
	return (long)n;
}

static const struct file_operations fops = { .owner = THIS_MODULE, .read = dev_read };
static struct kobj_attribute level = { .attr = { .name = "level", .mode = 0644 }, .show = level_show, .store = level_store };
static struct kobject *dir;
static int major;

int init_module(void)
{
	struct page *pages[1];
	major = __register_chrdev(0, 0, 256, "plain_driver", &fops);
	dir = kobject_create_and_add("settings", &THIS_MODULE->mkobj.kobj);
	pages[0] = alloc_pages(0xcc0, 0);
	ring = vmap(pages, 1, 0, 0x63);
	_printk("\0016plain_driver: major %d, %p %p\n", major, (void *)&level, (void *)ring);
	return 0;
}

void cleanup_module(void)
{
	vunmap(ring);
	kobject_put(dir);
	__unregister_chrdev(major, 0, 256, "plain_driver");
}
