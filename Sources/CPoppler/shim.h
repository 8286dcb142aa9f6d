#pragma once
// poppler-glib renders PDF pages into cairo surfaces; cairo is also how test fixtures draw PDFs.
#include <poppler.h>
#include <cairo.h>
#include <cairo-pdf.h>

static void qz_poppler_drop_message(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data) {
    (void)domain; (void)level; (void)message; (void)data;
}

/// poppler-glib sends the syntax errors and warnings of damaged PDFs to GLib's log under the
/// "Poppler" domain. qzoom reports a damaged file through the GError of the failing call instead,
/// so these messages are dropped rather than printed (G_MESSAGES_DEBUG would otherwise show them).
/// The level mask is a macro expression that Swift does not import, hence this wrapper.
static inline void qz_poppler_silence_log(void) {
    g_log_set_handler("Poppler", (GLogLevelFlags)(G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION),
                      qz_poppler_drop_message, NULL);
}
