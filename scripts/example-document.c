// Draws qzoom's example document with cairo: a two-page A4 invoice (page 1: header, addresses,
// line items, total, small print; page 2: dense terms and conditions). Sizes are PDF points,
// measured from the top-left corner, as qzoom's page coordinates are.
// Built and run by scripts/example-document; the numbers scripts/example uses are marked below.
#include <cairo.h>
#include <cairo-pdf.h>
#include <stdio.h>

static const double pageWidth = 595.28, pageHeight = 841.89;  // A4

static void text(cairo_t *cr, double x, double y, double size, int bold, const char *s) {
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
}

static void rightAligned(cairo_t *cr, double right, double y, double size, int bold, const char *s) {
    cairo_text_extents_t extents;
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents(cr, s, &extents);
    text(cr, right - extents.x_advance, y, size, bold, s);
}

static void invoicePage(cairo_t *cr) {
    cairo_set_source_rgb(cr, 0.13, 0.27, 0.53);
    cairo_rectangle(cr, 0, 0, pageWidth, 90);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    text(cr, 50, 55, 26, 1, "Northwind Stationery Ltd.");
    text(cr, 50, 75, 10, 0, "14 Harbour Road, Leith, Edinburgh EH6 6RA  ·  VAT GB 284 1937 22");

    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, 50, 135, 20, 1, "INVOICE");
    text(cr, 50, 160, 10, 0, "Invoice number: INV-2024-0815");
    text(cr, 50, 175, 10, 0, "Invoice date: 15 August 2024");
    text(cr, 50, 190, 10, 0, "Due date: 14 September 2024");
    text(cr, 340, 135, 10, 1, "Bill to");
    text(cr, 340, 150, 10, 0, "Ridgeway Architects LLP");
    text(cr, 340, 165, 10, 0, "3 Quarry Lane");
    text(cr, 340, 180, 10, 0, "Bristol BS1 4DJ");

    const char *items[][4] = {
        {"A4 copier paper, 80 gsm (box of 5 reams)", "12", "24.50", "294.00"},
        {"Archival document boxes", "30", "3.20", "96.00"},
        {"Fine-liner pens, black (pack of 10)", "8", "7.95", "63.60"},
        {"Desk organiser, recycled card", "5", "11.00", "55.00"},
        {"Delivery", "1", "18.00", "18.00"},
    };
    double y = 240;
    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
    cairo_rectangle(cr, 50, y - 14, pageWidth - 100, 20);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, 55, y, 10, 1, "Description");
    rightAligned(cr, 380, y, 10, 1, "Qty");
    rightAligned(cr, 460, y, 10, 1, "Unit price");
    rightAligned(cr, 540, y, 10, 1, "Amount");
    for (int i = 0; i < 5; i++) {
        y += 24;
        text(cr, 55, y, 10, 0, items[i][0]);
        rightAligned(cr, 380, y, 10, 0, items[i][1]);
        rightAligned(cr, 460, y, 10, 0, items[i][2]);
        rightAligned(cr, 540, y, 10, 0, items[i][3]);
    }
    y += 30;
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, 340, y - 16);
    cairo_line_to(cr, 545, y - 16);
    cairo_stroke(cr);
    text(cr, 340, y, 10, 0, "Subtotal");
    rightAligned(cr, 540, y, 10, 0, "526.60");
    text(cr, 340, y + 18, 10, 0, "VAT 20%");
    rightAligned(cr, 540, y + 18, 10, 0, "105.32");
    // The total: scripts/example renders the region 330,400,220,40 around it.
    text(cr, 340, y + 42, 13, 1, "Total due (GBP)");
    rightAligned(cr, 540, y + 42, 13, 1, "631.92");

    text(cr, 50, 520, 10, 1, "Payment");
    text(cr, 50, 536, 10, 0, "Bank transfer to Northwind Stationery Ltd., sort code 80-22-60, account 41907733.");
    text(cr, 50, 551, 10, 0, "Please quote the invoice number with your payment.");

    // Small print near the bottom edge: the kind of text a coarse view cannot read.
    text(cr, 50, 800, 5.5, 0, "Goods remain the property of Northwind Stationery Ltd. until paid in full. Late payments "
                              "accrue interest at 4% above the Bank of England base rate under the Late Payment of");
    text(cr, 50, 808, 5.5, 0, "Commercial Debts (Interest) Act 1998. Registered in Scotland, company number SC418822.");
}

static void termsPage(cairo_t *cr) {
    static const char *sentences[] = {
        "These terms apply to every order placed with Northwind Stationery Ltd. by a business customer.",
        "Prices are in pounds sterling and exclude VAT, which is added at the rate in force on the invoice date.",
        "Orders received before 2 pm on a working day are dispatched the same day from our Leith warehouse.",
        "Risk in the goods passes on delivery; title passes only when we have received payment in full.",
        "Damaged or missing items must be reported within five working days of delivery, with photographs.",
        "Unopened goods may be returned within thirty days for a refund of the price, less carriage costs.",
        "Invoices are payable within thirty days; we may suspend deliveries while any invoice is overdue.",
        "Our liability for any order is limited to its price, except where the law does not allow a limit.",
    };
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, 50, 70, 16, 1, "Terms and conditions of sale");
    double y = 100;
    for (int line = 0; y < 800; line++, y += 14) {
        char numbered[160];
        snprintf(numbered, sizeof numbered, "%d.%d  %s", line / 8 + 1, line % 8 + 1, sentences[line % 8]);
        text(cr, 50, y, 8.5, 0, numbered);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTPUT.pdf\n", argv[0]);
        return 2;
    }
    cairo_surface_t *surface = cairo_pdf_surface_create(argv[1], pageWidth, pageHeight);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "qzoom example invoice");
    cairo_t *cr = cairo_create(surface);
    invoicePage(cr);
    cairo_show_page(cr);
    termsPage(cr);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "example-document: %s\n", cairo_status_to_string(status));
        return 1;
    }
    return 0;
}
