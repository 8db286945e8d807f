// DIR/sites.gpkg for GIS users: layers sites, buffers, hits and alternatives
// (WGS 84), written under a temporary name and renamed when complete.
#pragma once
#include <memory>
#include <string>

#include "report/formats.h"
#include "report/writer.h"

namespace sitescreen {

class GpkgWriter : public OutputWriter {
public:
    // `report_suffix`: ".html"/".md" when per-site reports are written (the
    // sites layer gets a `report` field with the relative link), else "".
    explicit GpkgWriter(std::string report_suffix);
    ~GpkgWriter() override;
    WriterPlan begin(const RunContext& ctx) override;
    void write(const SiteOutput& site) override;
    void finish(const RunSummary& run) override;
    void abort() noexcept override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace sitescreen
