#pragma once
// poppler-glib renders PDF pages into cairo surfaces; cairo is also how test fixtures draw PDFs.
#include <poppler.h>
#include <cairo.h>
#include <cairo-pdf.h>
