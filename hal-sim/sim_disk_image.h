/*
 * sim_disk_image.h - a simulated disk's image file: a plain file of the
 * disk's size, byte for byte, which `"image"` in the scenario names.
 * Loading reads it at the start of a run (a missing file is an empty
 * disk), keeping only chunks that are not all zeros; saving writes the
 * durable contents at the end, as a sparse file (only held chunks are
 * written, the rest are holes), into "<path>.tmp" renamed over the path.
 * Errors are one line naming the path.
 */
#ifndef SIM_DISK_IMAGE_H
#define SIM_DISK_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "sim_disk.h"

/* The image path of node `node`: cfg->image with every "{node}" replaced
 * by the node's number. 0, or -1 when it does not fit `bytes`. */
int sim_disk_image_path(const struct scn_disk *cfg, uint32_t node, char *buf, size_t bytes);

/* Fill the disk's durable store from `path`. 0 (also when the file does
 * not exist), or -1 with "<path>: <problem>" in err. */
int sim_disk_image_load(struct sim_disk *d, const char *path, char *err, size_t err_bytes);

/* Write the disk's durable contents to `path`. 0, or -1 with
 * "<path>: cannot write: <reason>" in err. */
int sim_disk_image_save(const struct sim_disk *d, const char *path, char *err, size_t err_bytes);

#endif
