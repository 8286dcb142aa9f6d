extension PageInfo {
    /// What a raster page that states no resolution is taken to have when a render asks for a DPI:
    /// the usual resolution of document scans.
    public static let assumedRasterDotsPerInch = 300.0

    /// Page units per inch: the stated resolution, 72 for PDF points, otherwise the assumed scan resolution.
    public var resolvedUnitsPerInch: Double {
        unitsPerInch ?? (unit == .point ? 72 : Self.assumedRasterDotsPerInch)
    }

    /// The scale (pixels per page unit) that renders this page at `dotsPerInch`.
    public func scale(forDotsPerInch dotsPerInch: Double) -> Double { dotsPerInch / resolvedUnitsPerInch }
}
