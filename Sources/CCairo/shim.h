#pragma once
// cairo draws the boxes and labels of `qzoom show` over a rendered page; its PDF surface is how the
// daemon tests make small multi-page documents of their own.
#include <cairo.h>
#include <cairo-pdf.h>
