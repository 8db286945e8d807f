// A4 pages laid out with pango and recorded as cairo recording surfaces (vector,
// any thread), then written as one PDF with the fonts embedded: the PDF
// renderer of the per-site document (markdown_report.h) and the portfolio.
#pragma once
#include <cairo.h>

#include <memory>
#include <string>
#include <vector>

#include "report/markdown_report.h"

typedef struct _PangoContext PangoContext;

namespace sitescreen {

class SiteMapDrawing;

namespace pdf {

constexpr double kPageWidth = 595.276;  // A4 in PostScript points
constexpr double kPageHeight = 841.890;
constexpr double kMargin = 42;

struct SurfaceDestroy {
    void operator()(cairo_surface_t* s) const noexcept {
        if (s) cairo_surface_destroy(s);
    }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDestroy>;
struct CairoDestroy {
    void operator()(cairo_t* c) const noexcept {
        if (c) cairo_destroy(c);
    }
};
using CairoPtr = std::unique_ptr<cairo_t, CairoDestroy>;

// One recorded page.
using Page = SurfacePtr;

struct TextStyle {
    double size = 9.5;  // points
    bool bold = false;
    bool italic = false;
    bool mono = false;
    const char* colour = "#1b1b1b";
    bool right = false;  // right-aligned in its box
};

// Lays out text and blocks on A4 pages, top to bottom, breaking pages where a
// line, row or figure does not fit. Not thread-safe; one per thread at a time.
class PageWriter {
public:
    // `footer`: printed at the foot of every page with its number.
    explicit PageWriter(std::string footer);
    ~PageWriter();
    PageWriter(const PageWriter&) = delete;
    PageWriter& operator=(const PageWriter&) = delete;

    double content_width() const { return kPageWidth - 2 * kMargin; }
    double remaining() const;  // height left on the current page
    bool at_page_top() const;
    void new_page();
    // Starts a new page unless `height` fits on this one.
    void keep(double height);
    void space(double points);

    // Height of `text` wrapped to `width` (draws nothing).
    double measure(const std::string& text, double width, const TextStyle& style);
    // Draws `text` wrapped to `width` at (x, current y + dy); returns its height.
    double draw_text(const std::string& text, double x, double dy, double width, const TextStyle& style);
    // A paragraph across the column (breaking pages between lines), then a gap.
    void paragraph(const std::string& text, const TextStyle& style, double indent = 0, double gap = 4);
    // A bulleted list across the column, then a gap.
    void bullets(const std::vector<std::string>& items, double gap_after);
    // A table: `widths` in points (sum <= content_width), header repeated after a page break.
    void table(const std::vector<std::string>& header, const std::vector<std::vector<report::Cell>>& rows,
               const std::vector<double>& widths);
    // Column widths for a table: each column's natural width, shrunk to fit the column.
    std::vector<double> column_widths(const std::vector<std::string>& header,
                                      const std::vector<std::vector<report::Cell>>& rows);
    // A filled box with text (banners, verdict labels, cards); returns its height.
    double label_box(const std::string& text, double x, double width, const char* fill, const TextStyle& style,
                     double pad = 5);
    // The map, scaled to the column width (or shrunk to the rest of the first
    // page), with its caption; vector graphics.
    void figure(const SiteMapDrawing& map, const std::string& caption);

    // Every block of the document, in order, but for the Image block: `map`
    // is drawn under the verdict's label, on the first page.
    void document(const report::SiteReportDoc& doc, const SiteMapDrawing* map);

    cairo_t* cr() { return cr_.get(); }
    double y() const { return y_; }
    void advance(double dy) { y_ += dy; }
    std::vector<Page> take_pages();

private:
    void finish_page();
    std::string footer_;
    PangoContext* context_ = nullptr;
    std::vector<Page> pages_;
    SurfacePtr page_;
    CairoPtr cr_;
    double y_ = 0;
};

// The pages as one PDF file (A4, fonts embedded as subsets), with its title.
std::string write_pdf(const std::vector<const Page*>& pages, const std::string& title);

// Writes pages one by one into a PDF stream (the portfolio's report.pdf).
class PdfStream {
public:
    PdfStream(std::ostream& out, const std::string& title);
    ~PdfStream();
    PdfStream(const PdfStream&) = delete;
    PdfStream& operator=(const PdfStream&) = delete;
    void add(const Page& page);
    std::size_t pages() const { return pages_; }
    void finish();  // writes the trailer; throws on a cairo error

private:
    std::ostream& out_;
    SurfacePtr surface_;
    CairoPtr cr_;
    std::size_t pages_ = 0;
    bool finished_ = false;
};

// Moves the last `count` pages of a finished cairo PDF to the front, in place:
// only the order of the page tree's /Kids changes (same bytes, so the
// cross-reference offsets hold). Throws when the file is not as cairo writes it.
void move_last_pages_first(const std::string& path, std::size_t count);

}  // namespace pdf
}  // namespace sitescreen
