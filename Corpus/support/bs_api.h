/*
 * Backsight corpus: the exported API of a sample. Every function a sample exports is
 * marked BS_API, so the -fvisibility=hidden builds of the variant matrix keep exactly the
 * exports of the default build (as real libraries built with hidden visibility do).
 */
#ifndef BS_API_H
#define BS_API_H
#define BS_API __attribute__((visibility("default")))
#endif
