// A4 pages laid out with pango on cairo recording surfaces, and their PDF files.
#include "report/pdf_pages.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <stdexcept>

#include "report/site_map.h"

namespace sitescreen {
namespace pdf {
namespace {

// Latin in DejaVu Sans, Chinese in Noto Sans CJK SC. Not Noto CJK for both:
// when pango sets its Latin letters next to Chinese, cairo's subset of the
// font carries whole subroutine tables, about 0.9 MB a face.
constexpr const char* kSans = "DejaVu Sans, Noto Sans CJK SC";
constexpr const char* kMono = "DejaVu Sans Mono";
constexpr const char* kLine = "#d9d9d9";
constexpr const char* kMuted = "#5a5a5a";
// The documents hold no run time: the same input gives the same bytes
// (docs/reports.md). cairo would stamp the current time otherwise.
constexpr const char* kFixedDate = "2000-01-01T00:00:00Z";

void set_colour(cairo_t* cr, const char* hex) {
    unsigned r = 0, g = 0, b = 0;
    if (hex && std::sscanf(hex, "#%02x%02x%02x", &r, &g, &b) == 3)
        cairo_set_source_rgb(cr, r / 255.0, g / 255.0, b / 255.0);
    else
        cairo_set_source_rgb(cr, 0, 0, 0);
}

struct LayoutUnref {
    void operator()(PangoLayout* l) const noexcept {
        if (l) g_object_unref(l);
    }
};
using LayoutPtr = std::unique_ptr<PangoLayout, LayoutUnref>;

LayoutPtr make_layout(PangoContext* context, const std::string& text, double width, const TextStyle& style) {
    LayoutPtr layout(pango_layout_new(context));
    PangoFontDescription* font = pango_font_description_from_string(style.mono ? kMono : kSans);
    pango_font_description_set_absolute_size(font, style.size * PANGO_SCALE);
    pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(font, style.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    pango_layout_set_font_description(layout.get(), font);
    pango_font_description_free(font);
    pango_layout_set_width(layout.get(), static_cast<int>(std::max(1.0, width) * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    if (style.right) pango_layout_set_alignment(layout.get(), PANGO_ALIGN_RIGHT);
    pango_layout_set_text(layout.get(), text.c_str(), static_cast<int>(text.size()));
    return layout;
}

double layout_height(PangoLayout* layout) {
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
}

// The unwrapped width of a text.
double natural_width(PangoContext* context, const std::string& text, const TextStyle& style) {
    LayoutPtr layout = make_layout(context, text, 1, style);
    pango_layout_set_width(layout.get(), -1);
    int w = 0, h = 0;
    pango_layout_get_size(layout.get(), &w, &h);
    return static_cast<double>(w) / PANGO_SCALE;
}

std::string cell_text(const report::Cell& c) {
    if (c.lines.empty()) return c.text;
    std::string t;
    for (const auto& l : c.lines) t += (t.empty() ? "" : "\n") + l;
    return t;
}

TextStyle cell_style(const report::Cell& c) {
    TextStyle s;
    s.size = 7.5;
    s.bold = c.strong || c.tag == "met" || c.tag == "alert";
    if (c.tag == "mono") {
        s.mono = true;
        s.size = 6.8;
    }
    if (c.tag == "not_met") s.colour = "#1d6b37";
    if (c.tag == "not_assessed") {
        s.colour = kMuted;
        s.italic = true;
    }
    s.right = c.tag == "num";
    return s;
}

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

cairo_status_t append_to_stream(void* closure, const unsigned char* data, unsigned int length) {
    auto* out = static_cast<std::ostream*>(closure);
    out->write(reinterpret_cast<const char*>(data), length);
    return out->good() ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

void set_metadata(cairo_surface_t* surface, const std::string& title) {
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title.c_str());
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "sitescreen");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, kFixedDate);
}

void paint_page(cairo_t* cr, const Page& page) {
    cairo_set_source_surface(cr, page.get(), 0, 0);
    cairo_paint(cr);
    cairo_show_page(cr);
}

void check(cairo_t* cr, const char* what) {
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        throw std::runtime_error(std::string(what) + ": cairo: " + cairo_status_to_string(cairo_status(cr)));
}

}  // namespace

// ---------------------------------------------------------------- PageWriter

PageWriter::PageWriter(std::string footer) : footer_(std::move(footer)) {
    // The default font map is per thread (pango >= 1.32.6).
    context_ = pango_font_map_create_context(pango_cairo_font_map_get_default());
    cairo_font_options_t* options = cairo_font_options_create();
    // Unhinted metrics: the layout is the same whatever the output resolution.
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(context_, options);
    cairo_font_options_destroy(options);
    new_page();
}

PageWriter::~PageWriter() {
    cr_.reset();
    page_.reset();
    if (context_) g_object_unref(context_);
}

double PageWriter::remaining() const { return kPageHeight - kMargin - y_; }
bool PageWriter::at_page_top() const { return y_ <= kMargin + 0.5; }

void PageWriter::finish_page() {
    if (!cr_) return;
    TextStyle foot;
    foot.size = 7;
    foot.colour = kMuted;
    const std::string text = footer_ + (footer_.empty() ? "" : "  ·  ") + std::to_string(pages_.size() + 1);
    LayoutPtr layout = make_layout(context_, text, content_width(), foot);
    set_colour(cr_.get(), foot.colour);
    cairo_move_to(cr_.get(), kMargin, kPageHeight - kMargin + 12);
    pango_cairo_show_layout(cr_.get(), layout.get());
    check(cr_.get(), "PDF page");
    cr_.reset();
    pages_.push_back(std::move(page_));
}

void PageWriter::new_page() {
    finish_page();
    const cairo_rectangle_t extents{0, 0, kPageWidth, kPageHeight};
    page_.reset(cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents));
    cr_.reset(cairo_create(page_.get()));
    y_ = kMargin;
}

void PageWriter::keep(double height) {
    if (height > remaining() && !at_page_top()) new_page();
}

void PageWriter::space(double points) {
    if (!at_page_top()) y_ += points;
}

double PageWriter::measure(const std::string& text, double width, const TextStyle& style) {
    return layout_height(make_layout(context_, text, width, style).get());
}

double PageWriter::draw_text(const std::string& text, double x, double dy, double width, const TextStyle& style) {
    LayoutPtr layout = make_layout(context_, text, width, style);
    set_colour(cr_.get(), style.colour);
    cairo_move_to(cr_.get(), x, y_ + dy);
    pango_cairo_show_layout(cr_.get(), layout.get());
    return layout_height(layout.get());
}

void PageWriter::paragraph(const std::string& text, const TextStyle& style, double indent, double gap) {
    LayoutPtr layout = make_layout(context_, text, content_width() - indent, style);
    // Line by line, so that a long paragraph continues on the next page.
    PangoLayoutIter* it = pango_layout_get_iter(layout.get());
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, nullptr, &logical);
        const double h = static_cast<double>(logical.height) / PANGO_SCALE;
        const double baseline_offset =
            static_cast<double>(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
        keep(h);
        set_colour(cr_.get(), style.colour);
        cairo_move_to(cr_.get(), kMargin + indent + static_cast<double>(logical.x) / PANGO_SCALE, y_ + baseline_offset);
        pango_cairo_show_layout_line(cr_.get(), pango_layout_iter_get_line_readonly(it));
        cairo_new_path(cr_.get());
        y_ += h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    y_ += gap;
}

// What of a text should not be broken across lines: its longest run of Latin letters, digits and
// punctuation between spaces ("medium", "C1.0"), and the first six characters of its longest run
// of CJK text, which breaks between any two characters but reads badly a character or two a line.
static std::vector<std::string> unbroken_words(const std::string& text) {
    std::string latin, cjk, word;
    bool ascii = true;
    auto done = [&] {
        if (ascii && word.size() > latin.size()) latin = word;
        if (!ascii && word.size() > cjk.size()) cjk = word;
        word.clear();
        ascii = true;
    };
    for (char ch : text) {
        if (ch == ' ' || ch == '\n') {
            done();
            continue;
        }
        if (static_cast<unsigned char>(ch) >= 0x80) ascii = false;
        word += ch;
    }
    done();
    // Six UTF-8 characters: cut before the seventh lead byte.
    std::size_t chars = 0, cut = cjk.size();
    for (std::size_t i = 0; i < cjk.size(); ++i)
        if ((static_cast<unsigned char>(cjk[i]) & 0xC0) != 0x80 && ++chars == 7) {
            cut = i;
            break;
        }
    return {latin, cjk.substr(0, cut)};
}

std::vector<double> PageWriter::column_widths(const std::vector<std::string>& header,
                                              const std::vector<std::vector<report::Cell>>& rows) {
    std::size_t n = header.size();
    for (const auto& r : rows) n = std::max(n, r.size());
    // Per column its natural width (the text on one line, capped) and its least width (its longest
    // word), as a browser sizes a table's columns.
    std::vector<double> natural(n, 24.0), least(n, 24.0);
    // A word wider than kMaxLeast (a long identifier, "dilution_by_atmosphere_and_ecosystems") may
    // break rather than starve the other columns.
    constexpr double kPad = 8, kMaxNatural = 260, kMaxLeast = 90;
    auto measure = [&](std::size_t c, const std::string& text, const TextStyle& style) {
        natural[c] = std::max(natural[c], std::min(kMaxNatural, natural_width(context_, text, style) + kPad));
        for (const std::string& word : unbroken_words(text))
            if (word.size() > 1)
                least[c] = std::max(least[c], std::min(kMaxLeast, natural_width(context_, word, style) + kPad));
    };
    TextStyle head = cell_style(report::Cell{});
    head.bold = true;
    for (std::size_t c = 0; c < header.size(); ++c) measure(c, header[c], head);
    // The first rows are enough to size a column (long tables repeat their shapes).
    const std::size_t sample = std::min<std::size_t>(rows.size(), 40);
    for (std::size_t r = 0; r < sample; ++r)
        for (std::size_t c = 0; c < rows[r].size(); ++c) {
            const report::Cell& cell = rows[r][c];
            if (cell.lines.empty())
                measure(c, cell.text, cell_style(cell));
            else
                for (const auto& l : cell.lines) measure(c, l, cell_style(cell));
        }
    double total = 0, least_total = 0;
    for (std::size_t c = 0; c < n; ++c) {
        least[c] = std::min(least[c], natural[c]);
        total += natural[c];
        least_total += least[c];
    }
    const double avail = content_width();
    if (total <= avail) return natural;
    // Too wide: every column gets its least width (no word is broken: "medium", not "medi-um"),
    // and the room left is shared in proportion to how much more each would take on one line.
    // When even the least widths do not fit, they shrink alike and long words break.
    std::vector<double> out(n);
    for (std::size_t c = 0; c < n; ++c)
        out[c] = least_total <= avail
                     ? least[c] + (natural[c] - least[c]) * (avail - least_total) / (total - least_total)
                     : least[c] / least_total * avail;
    return out;
}

void PageWriter::table(const std::vector<std::string>& header, const std::vector<std::vector<report::Cell>>& rows,
                       const std::vector<double>& widths) {
    constexpr double kPad = 3;
    auto draw_row = [&](const std::vector<report::Cell>& cells, bool is_header) {
        std::vector<LayoutPtr> layouts;
        std::vector<TextStyle> styles;
        double h = 0;
        for (std::size_t c = 0; c < widths.size(); ++c) {
            const report::Cell cell = c < cells.size() ? cells[c] : report::Cell{};
            TextStyle s = cell_style(cell);
            if (is_header) s.bold = true;
            layouts.push_back(make_layout(context_, cell_text(cell), widths[c] - 2 * kPad, s));
            styles.push_back(s);
            h = std::max(h, layout_height(layouts.back().get()));
        }
        h += 2 * kPad;
        return std::make_tuple(std::move(layouts), std::move(styles), h);
    };
    auto paint_row = [&](std::vector<LayoutPtr>& layouts, const std::vector<TextStyle>& styles,
                         const std::vector<report::Cell>* cells, double h, bool is_header, bool key_column) {
        double x = kMargin;
        cairo_t* cr = cr_.get();
        for (std::size_t c = 0; c < widths.size(); ++c) {
            const std::string tag = cells && c < cells->size() ? (*cells)[c].tag : "";
            const char* fill = is_header                          ? "#f0f2f4"
                               : (tag == "met" || tag == "alert") ? "#fde0dc"
                               : (key_column && c == 0)           ? "#fafafa"
                                                                  : nullptr;
            cairo_rectangle(cr, x, y_, widths[c], h);
            if (fill) {
                set_colour(cr, fill);
                cairo_fill_preserve(cr);
            }
            set_colour(cr, kLine);
            cairo_set_line_width(cr, 0.5);
            cairo_stroke(cr);
            set_colour(cr, styles[c].colour);
            cairo_move_to(cr, x + kPad, y_ + kPad);
            pango_cairo_show_layout(cr, layouts[c].get());
            cairo_new_path(cr);
            x += widths[c];
        }
        y_ += h;
    };
    std::vector<report::Cell> header_cells(header.begin(), header.end());
    auto put_header = [&] {
        if (header.empty()) return;
        auto [layouts, styles, h] = draw_row(header_cells, true);
        paint_row(layouts, styles, nullptr, h, true, false);
    };
    const bool key_values = header.empty() && widths.size() == 2;
    {
        // The header and the first row stay together.
        double first = 0;
        if (!header.empty()) first += std::get<2>(draw_row(header_cells, true));
        if (!rows.empty()) first += std::get<2>(draw_row(rows.front(), false));
        keep(first);
    }
    put_header();
    for (const auto& row : rows) {
        auto [layouts, styles, h] = draw_row(row, false);
        if (h > remaining() && !at_page_top()) {
            new_page();
            put_header();
        }
        paint_row(layouts, styles, &row, h, false, key_values);
    }
    y_ += 8;
}

double PageWriter::label_box(const std::string& text, double x, double width, const char* fill, const TextStyle& style,
                             double pad) {
    LayoutPtr layout = make_layout(context_, text, width - 2 * pad, style);
    const double h = layout_height(layout.get()) + 2 * pad;
    cairo_t* cr = cr_.get();
    cairo_rectangle(cr, x, y_, width, h);
    set_colour(cr, fill);
    cairo_fill(cr);
    set_colour(cr, style.colour);
    cairo_move_to(cr, x + pad, y_ + pad);
    pango_cairo_show_layout(cr, layout.get());
    cairo_new_path(cr);
    return h;
}

void PageWriter::figure(const SiteMapDrawing& map, const std::string& caption) {
    if (map.empty() || map.width() <= 0 || map.height() <= 0) return;
    TextStyle cap;
    cap.size = 7.5;
    cap.colour = kMuted;
    const double caption_h = measure(caption, content_width(), cap) + 10;
    double scale = content_width() / map.width();
    const double full = map.height() * scale + caption_h;
    if (full > remaining()) {
        // On the first page the map shrinks into the space left (down to
        // half size) rather than moving to page 2: it belongs with the verdict.
        const double fit = (remaining() - caption_h) / map.height();
        if (pages_.empty() && fit >= scale * 0.5)
            scale = fit;
        else
            new_page();
    }
    const double w = map.width() * scale, h = map.height() * scale;
    cairo_t* cr = cr_.get();
    cairo_save(cr);
    cairo_translate(cr, kMargin, y_);
    cairo_scale(cr, scale, scale);
    map.draw(cr, true);
    cairo_restore(cr);
    cairo_rectangle(cr, kMargin, y_, w, h);
    set_colour(cr, kLine);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    y_ += h + 3;
    y_ += draw_text(caption, kMargin, 0, content_width(), cap) + 7;
}

void PageWriter::bullets(const std::vector<std::string>& items, double gap_after) {
    const TextStyle s;
    for (const auto& item : items) {
        keep(measure(item, content_width() - 12, s));  // an item starts on the page that holds it, if one can
        draw_text("•", kMargin + 2, 0, 10, s);
        paragraph(item, s, 12, 2);
    }
    y_ += gap_after;
}

void PageWriter::document(const report::SiteReportDoc& doc, const SiteMapDrawing* map) {
    using Kind = report::Block::Kind;
    // The map goes on the first page, right under the verdict's label (the
    // reasons can fill a page): it moves up from its place after the identity.
    const report::Block* image = nullptr;
    for (const report::Block& b : doc.blocks)
        if (b.kind == Kind::Image && !b.text.empty() && !image) image = &b;  // none without a source
    auto draw_map = [&] {
        if (map && image) figure(*map, image->items.size() > 1 ? image->items[1] : std::string());
        image = nullptr;
    };
    for (const report::Block& b : doc.blocks) {
        switch (b.kind) {
            case Kind::Banner: {
                TextStyle s;
                s.size = 9.5;
                s.bold = true;
                s.colour = "#ffffff";
                y_ += label_box("⚠ " + b.text, kMargin, content_width(), "#b30000", s, 7) + 8;
                break;
            }
            case Kind::Heading: {
                TextStyle s;
                s.bold = true;
                s.size = b.level <= 1 ? 16 : b.level == 2 ? 13 : b.level == 3 ? 10.5 : 9.5;
                space(b.level <= 2 ? 10 : 5);
                const double h = measure(b.text, content_width(), s);
                keep(h + 40);  // a heading is never the last line of a page
                y_ += draw_text(b.text, kMargin, 0, content_width(), s);
                if (b.level == 2) {
                    cairo_move_to(cr_.get(), kMargin, y_ + 2);
                    cairo_line_to(cr_.get(), kMargin + content_width(), y_ + 2);
                    set_colour(cr_.get(), kLine);
                    cairo_set_line_width(cr_.get(), 1.2);
                    cairo_stroke(cr_.get());
                    y_ += 5;
                }
                y_ += 4;
                break;
            }
            case Kind::Verdict: {
                TextStyle s;
                s.size = 15;
                s.bold = true;
                s.colour = report::verdict_text_colour(b.tag);
                const double h = measure(b.text, content_width() - 16, s) + 12;
                keep(h);
                y_ += label_box(b.text, kMargin, content_width(), report::verdict_colour(b.tag), s, 6) + 5;
                draw_map();
                bullets(b.items, 6);
                break;
            }
            case Kind::Paragraph:
                paragraph(b.text, TextStyle{});
                break;
            case Kind::Note: {
                TextStyle s;
                s.size = 8;
                s.colour = kMuted;
                paragraph(b.text, s);
                break;
            }
            case Kind::Bullets:
                bullets(b.items, 4);
                break;
            case Kind::KeyValues: {
                std::vector<std::vector<report::Cell>> rows;
                for (const auto& row : b.rows) {
                    report::Cell key = row.empty() ? report::Cell{} : report::Cell{row[0].text};
                    key.strong = true;
                    rows.push_back({key, row.size() > 1 ? row[1] : report::Cell{}});
                }
                const double key_w = std::min(130.0, content_width() * 0.3);
                table({}, rows, {key_w, content_width() - key_w});
                break;
            }
            case Kind::Table:
                table(b.header, b.rows, column_widths(b.header, b.rows));
                break;
            case Kind::Image:
                draw_map();
                break;  // when there was no verdict to put it under
        }
    }
}

std::vector<Page> PageWriter::take_pages() {
    finish_page();
    std::vector<Page> out = std::move(pages_);
    pages_.clear();
    new_page();
    return out;
}

// ---------------------------------------------------------------- PDF files

std::string write_pdf(const std::vector<const Page*>& pages, const std::string& title) {
    std::string out;
    {
        SurfacePtr surface(cairo_pdf_surface_create_for_stream(append_to_string, &out, kPageWidth, kPageHeight));
        set_metadata(surface.get(), title);
        CairoPtr cr(cairo_create(surface.get()));
        for (const Page* p : pages) paint_page(cr.get(), *p);
        check(cr.get(), "PDF");
        cr.reset();
        cairo_surface_finish(surface.get());
        if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
            throw std::runtime_error(std::string("PDF: cairo: ") +
                                     cairo_status_to_string(cairo_surface_status(surface.get())));
    }
    return out;
}

PdfStream::PdfStream(std::ostream& out, const std::string& title) : out_(out) {
    surface_.reset(cairo_pdf_surface_create_for_stream(append_to_stream, &out_, kPageWidth, kPageHeight));
    set_metadata(surface_.get(), title);
    cr_.reset(cairo_create(surface_.get()));
}

PdfStream::~PdfStream() = default;

void PdfStream::add(const Page& page) {
    paint_page(cr_.get(), page);
    check(cr_.get(), "report.pdf");
    ++pages_;
}

void PdfStream::finish() {
    if (finished_) return;
    finished_ = true;
    cr_.reset();
    cairo_surface_finish(surface_.get());
    if (cairo_surface_status(surface_.get()) != CAIRO_STATUS_SUCCESS)
        throw std::runtime_error(std::string("report.pdf: cairo: ") +
                                 cairo_status_to_string(cairo_surface_status(surface_.get())));
}

void move_last_pages_first(const std::string& path, std::size_t count) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    if (!f) throw std::runtime_error(path + ": cannot reopen to order its pages");
    f.seekg(0, std::ios::end);
    const std::streamoff size = f.tellg();
    // The page tree is written near the end, before the fonts and the catalog.
    const std::streamoff tail = std::min<std::streamoff>(size, std::streamoff{64} << 20);
    std::string text(static_cast<std::size_t>(tail), '\0');
    f.seekg(size - tail);
    f.read(text.data(), tail);
    const std::size_t pages_obj = text.rfind("/Type /Pages");
    const std::size_t open = pages_obj == std::string::npos ? pages_obj : text.find("/Kids [", pages_obj);
    const std::size_t close = open == std::string::npos ? open : text.find(']', open);
    if (close == std::string::npos) throw std::runtime_error(path + ": no page tree found to order the pages");
    const std::size_t first = open + 7;  // after "/Kids ["
    const std::string kids = text.substr(first, close - first);
    // References "N 0 R", as cairo writes them: " 4 0 R 10 0 R ".
    std::vector<std::string> refs;
    std::size_t i = 0;
    while (i < kids.size()) {
        while (i < kids.size() && kids[i] == ' ') ++i;
        if (i >= kids.size()) break;
        const std::size_t end = kids.find(" R", i);
        if (end == std::string::npos) throw std::runtime_error(path + ": unexpected page tree");
        refs.push_back(kids.substr(i, end + 2 - i));
        i = end + 2;
    }
    std::string rebuilt = " ";
    for (const auto& r : refs) rebuilt += r + " ";
    if (rebuilt != kids || count > refs.size()) throw std::runtime_error(path + ": unexpected page tree");
    std::rotate(refs.begin(), refs.end() - static_cast<std::ptrdiff_t>(count), refs.end());
    rebuilt = " ";
    for (const auto& r : refs) rebuilt += r + " ";
    f.seekp(size - tail + static_cast<std::streamoff>(first));
    f.write(rebuilt.data(), static_cast<std::streamsize>(rebuilt.size()));
    f.flush();
    if (!f) throw std::runtime_error(path + ": cannot write its page order");
}

}  // namespace pdf
}  // namespace sitescreen
