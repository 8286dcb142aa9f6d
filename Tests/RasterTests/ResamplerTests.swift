import QZoomCore
import Testing
@testable import Raster

@Suite struct ResamplerTests {
    static func bitmap(width: Int, height: Int, _ value: (Int, Int) -> UInt8) -> RasterBitmap {
        var pixels: [UInt8] = []
        for y in 0..<height { for x in 0..<width { pixels.append(value(x, y)) } }
        let layout = RasterLayout(storedWidth: width, storedHeight: height, orientation: .topLeft, density: nil)
        return RasterBitmap(stored: pixels, layout: layout, channels: 1)
    }

    static func render(_ bitmap: RasterBitmap, region: Rect? = nil, scale: Double, verticalPixelsPerUnit: Double = 1) throws -> PageImage {
        let page = Rect(x: 0, y: 0, width: Double(bitmap.width), height: Double(bitmap.height) / verticalPixelsPerUnit)
        let plan = try RenderPlan(page: page, region: region, scale: scale, limits: RasterLimits())
        return Resampler.render(bitmap, pixelsPerUnitX: 1, pixelsPerUnitY: verticalPixelsPerUnit, plan: plan)
    }

    /// Proves shrinking averages areas: one-pixel black and white stripes halved become even gray,
    /// where point sampling would give all black or all white.
    @Test func shrinkingAveragesAreas() throws {
        let stripes = Self.bitmap(width: 64, height: 8) { x, _ in x % 2 == 0 ? 0 : 255 }
        let half = try Self.render(stripes, scale: 0.5)
        #expect(half.width == 32 && half.height == 4)
        #expect(half.pixels.allSatisfy { (127...128).contains($0) })
        // Three black pixels in four, shrunk by four: a quarter white, which sampling between two
        // pixels (bilinear) would miss.
        let mostlyBlack = Self.bitmap(width: 64, height: 8) { x, _ in x % 4 == 3 ? 255 : 0 }
        #expect(try Self.render(mostlyBlack, scale: 0.25).pixels.allSatisfy { (63...65).contains($0) })
        // A third: each output pixel covers 1.5 stripe pairs; values stay between the extremes and
        // the mean is kept.
        let third = try Self.render(stripes, scale: 1.0 / 3)
        let mean = Double(third.pixels.map(Int.init).reduce(0, +)) / Double(third.pixels.count)
        #expect(abs(mean - 127.5) < 4)
        #expect(third.pixels.allSatisfy { $0 > 40 && $0 < 215 })
    }

    /// Proves enlarging interpolates: between a black and a white pixel the values ramp smoothly.
    @Test func enlargingInterpolates() throws {
        let edge = Self.bitmap(width: 2, height: 1) { x, _ in x == 0 ? 0 : 255 }
        let big = try Self.render(edge, scale: 8)
        #expect(big.width == 16 && big.height == 8)
        let row = Array(big.pixels[0..<16])
        #expect(row.first == 0 && row.last == 255)
        #expect(zip(row, row.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(Set(row).count > 8, "a smooth ramp, not a step: \(row)")
    }

    /// Proves a region at scale 1 on whole pixels is an exact crop, and that the image's region is
    /// the requested one.
    @Test func wholePixelRegionIsAnExactCrop() throws {
        let ramp = Self.bitmap(width: 50, height: 40) { x, y in UInt8(x * 5 % 256 ^ y) }
        let region = Rect(x: 7, y: 11, width: 20, height: 13)
        let crop = try Self.render(ramp, region: region, scale: 1)
        #expect(crop.region == region)
        for y in 0..<13 { for x in 0..<20 { #expect(crop.gray(x: x, y: y) == UInt8((x + 7) * 5 % 256 ^ (y + 11))) } }
    }

    /// Proves fractional regions and scales keep page coordinates: a black square at pixels
    /// 20..<30 is found at 20..<30 in page units whatever the region's offset and the scale.
    @Test func pageCoordinatesSurviveAnyRegionAndScale() throws {
        let square = Self.bitmap(width: 100, height: 100) { x, y in (20..<30).contains(x) && (20..<30).contains(y) ? 0 : 255 }
        for (region, scale) in [(Rect(x: 10.5, y: 12.25, width: 30, height: 30), 3.7),
                                (Rect(x: 0, y: 0, width: 100, height: 100), 0.4),
                                (Rect(x: 15.2, y: 18.9, width: 20.3, height: 14.1), 10.0)] {
            let image = try Self.render(square, region: region, scale: scale)
            let tolerance = 1 / scale + 0.5
            #expect(isClose(image.darkBounds(), Rect(x: 20, y: 20, width: 10, height: 10), tolerance: tolerance),
                    "\(region) at \(scale): \(String(describing: image.darkBounds()))")
        }
    }

    /// Proves regions are clamped to the page and invalid requests are errors.
    @Test func planClampsAndRejects() throws {
        let page = Rect(x: 0, y: 0, width: 100, height: 50)
        let plan = try RenderPlan(page: page, region: Rect(x: 80, y: -10, width: 40, height: 30), scale: 2, limits: RasterLimits())
        #expect(plan.region == Rect(x: 80, y: 0, width: 20, height: 20))
        #expect(plan.width == 40 && plan.height == 40)
        #expect(throws: InputError.self) { try RenderPlan(page: page, region: Rect(x: 200, y: 0, width: 5, height: 5), scale: 1, limits: RasterLimits()) }
        #expect(throws: InputError.self) { try RenderPlan(page: page, region: Rect(x: 0, y: 0, width: -5, height: 5), scale: 1, limits: RasterLimits()) }
        #expect(throws: InputError.self) { try RenderPlan(page: page, region: nil, scale: .nan, limits: RasterLimits()) }
        #expect(throws: InputError.tooManyPixels(width: 1_000_000, height: 500_000, limit: 100_000_000)) {
            try RenderPlan(page: page, region: nil, scale: 10_000, limits: RasterLimits())
        }
        #expect(throws: InputError.self) { try RenderPlan(page: page, region: nil, scale: 1e300, limits: RasterLimits()) }
    }
}
