#pragma once
// cairo draws the boxes and labels of `qzoom show` over a rendered page.
#include <cairo.h>
