import Foundation
import Testing
import QZoomCore
@testable import Perception

/// Line crops from images the tests draw: a rotated bar whose left half is dark and right half light,
/// so orientation, placement and size of a crop can be read off its pixels.
@Suite struct LineCropTests {
    /// A gray `width`×`height` page (value 200) with a bar of `length`×`thickness` centred at `centre`,
    /// turned by `angle` radians; along the bar the value is 30 in its first half and 250 in the second.
    static func drawBar(width: Int = 240, height: Int = 160, centre: Point = Point(x: 120, y: 80),
                        length: Double = 120, thickness: Double = 24, angle: Double) -> (PageImage, [Point]) {
        let c = cos(angle), s = sin(angle)
        var pixels = [UInt8](repeating: 200, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let dx = Double(x) - centre.x, dy = Double(y) - centre.y
                let along = dx * c + dy * s, across = -dx * s + dy * c
                if abs(along) <= length / 2 && abs(across) <= thickness / 2 {
                    pixels[y * width + x] = along < 0 ? 30 : 250
                }
            }
        }
        func corner(_ a: Double, _ b: Double) -> Point {
            Point(x: centre.x + a * c - b * s, y: centre.y + a * s + b * c)
        }
        let quad = [corner(-length / 2, -thickness / 2), corner(length / 2, -thickness / 2),
                    corner(length / 2, thickness / 2), corner(-length / 2, thickness / 2)]
        let image = PageImage(width: width, height: height, channels: 1, pixels: pixels,
                              region: Rect(x: 0, y: 0, width: Double(width), height: Double(height)))
        return (image, quad)
    }

    static func mean(_ image: PageImage, columns: Range<Int>) -> Double {
        var sum = 0.0
        for y in 0..<image.height { for x in columns { sum += Double(image.gray(x: x, y: y)) } }
        return sum / Double(image.height * columns.count)
    }

    @Test func aRotatedLineComesOutUprightAndFull() {
        let (page, quad) = Self.drawBar(angle: 0.35)
        let line = LineCrop.crop(page, quad: quad)
        #expect(line.image.width == 119 || line.image.width == 120)
        #expect(line.image.height == 23 || line.image.height == 24)
        let w = line.image.width
        #expect(Self.mean(line.image, columns: 4..<(w / 2 - 4)) < 40)
        #expect(Self.mean(line.image, columns: (w / 2 + 4)..<(w - 4)) > 240)
        #expect(line.quad == quad)
    }

    @Test func aTallCropIsTurnedAQuarterCounterClockwise() {
        // A bar standing upright: its dark half on top. Turned counter-clockwise, the top goes left.
        let (page, quad) = Self.drawBar(length: 120, thickness: 24, angle: .pi / 2)
        let upright = [quad[3], quad[0], quad[1], quad[2]]     // name the corners of the tall box tl, tr, br, bl
        let line = LineCrop.crop(page, quad: upright)
        #expect(line.image.width > line.image.height * 4)
        let w = line.image.width
        #expect(Self.mean(line.image, columns: 4..<(w / 2 - 4)) < 40)
        #expect(Self.mean(line.image, columns: (w / 2 + 4)..<(w - 4)) > 240)
        #expect(line.quad[0] == upright[1])
    }

    @Test func halfTurnSwapsTheEnds() {
        let (page, quad) = Self.drawBar(angle: -0.2)
        let line = LineCrop.rotatedHalfTurn(LineCrop.crop(page, quad: quad))
        let w = line.image.width
        #expect(Self.mean(line.image, columns: 4..<(w / 2 - 4)) > 240)
        #expect(Self.mean(line.image, columns: (w / 2 + 4)..<(w - 4)) < 40)
        #expect(line.quad[0] == quad[2])
    }

    @Test func shrinkingAveragesInsteadOfAliasing() {
        // One-pixel black and white columns: a point-sampled shrink by 4 picks one colour; an area
        // average gives mid-gray everywhere.
        let width = 160, height = 40
        var pixels = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height { for x in 0..<width where x % 2 == 1 { pixels[y * width + x] = 255 } }
        let page = PageImage(width: width, height: height, channels: 1, pixels: pixels,
                             region: Rect(x: 0, y: 0, width: 160, height: 40))
        let quad = [Point(x: 0, y: 0), Point(x: 160, y: 0), Point(x: 160, y: 40), Point(x: 0, y: 40)]
        let line = LineCrop.crop(page, quad: quad, maximumHeight: 10)
        #expect(line.image.height == 10 && line.image.width == 40)
        for value in line.image.pixels.dropLast(line.image.width) { #expect(abs(Int(value) - 128) < 20) }
    }

    @Test func colourCropsKeepTheirChannels() {
        let pixels: [UInt8] = Array(repeating: [255, 0, 0] as [UInt8], count: 30 * 20).flatMap { $0 }
        let page = PageImage(width: 30, height: 20, channels: 3, pixels: pixels, region: Rect(x: 50, y: 50, width: 15, height: 10))
        let line = LineCrop.crop(page, quad: [Point(x: 2, y: 2), Point(x: 22, y: 2), Point(x: 22, y: 10), Point(x: 2, y: 10)])
        #expect(line.image.channels == 3 && line.image.pixels[0] == 255 && line.image.pixels[1] == 0)
        #expect(line.image.region == Rect(x: 51, y: 51, width: 10, height: 4))
    }
}

/// The warp samples each output pixel's grid with precomputed positions and a vector accumulator; the
/// bound against the plain per-channel loop is exact equality, byte for byte.
@Suite struct LineCropWarpTests {
    static func referenceWarp(_ image: PageImage, map: Homography, sourceWidth: Double, sourceHeight: Double,
                              outWidth: Int, outHeight: Int) -> [UInt8] {
        let c = image.channels
        let sx = sourceWidth / Double(outWidth), sy = sourceHeight / Double(outHeight)
        let samplesX = max(1, Int(sx.rounded(.up))), samplesY = max(1, Int(sy.rounded(.up)))
        let weight = 1 / Double(samplesX * samplesY)
        var out = [UInt8](repeating: 0, count: outWidth * outHeight * c)
        for v in 0..<outHeight {
            for u in 0..<outWidth {
                var accumulator = [Double](repeating: 0, count: c)
                for j in 0..<samplesY {
                    let y = (Double(v) + (Double(j) + 0.5) / Double(samplesY)) * sy - 0.5
                    for i in 0..<samplesX {
                        let x = (Double(u) + (Double(i) + 0.5) / Double(samplesX)) * sx - 0.5
                        let p = map.apply(x / sourceWidth, y / sourceHeight)
                        let cx = min(max(p.x, 0), Double(image.width - 1)), cy = min(max(p.y, 0), Double(image.height - 1))
                        let x0 = Int(cx), y0 = Int(cy)
                        let x1 = min(x0 + 1, image.width - 1), y1 = min(y0 + 1, image.height - 1)
                        let fx = cx - Double(x0), fy = cy - Double(y0)
                        for k in 0..<c {
                            func s(_ x: Int, _ y: Int) -> Double { Double(image.pixels[(y * image.width + x) * c + k]) }
                            accumulator[k] += weight * ((s(x0, y0) * (1 - fx) + s(x1, y0) * fx) * (1 - fy)
                                                        + (s(x0, y1) * (1 - fx) + s(x1, y1) * fx) * fy)
                        }
                    }
                }
                for k in 0..<c { out[(v * outWidth + u) * c + k] = UInt8(min(max(accumulator[k].rounded(), 0), 255)) }
            }
        }
        return out
    }

    @Test(arguments: [1, 3])
    func warpEqualsThePlainLoop(channels: Int) {
        let image = LineImageTests.randomImage(width: 90, height: 70, channels: channels, seed: 11)
        // A rotated box, a perspective quad reaching past the edge, and a tall one shrunk to 48 rows.
        let quads: [([Point], Int, Int)] = [
            ([Point(x: 10, y: 20), Point(x: 80, y: 5), Point(x: 84, y: 25), Point(x: 14, y: 40)], 71, 20),
            ([Point(x: -5, y: 3), Point(x: 95, y: 0), Point(x: 70, y: 66), Point(x: 20, y: 72)], 37, 15),
            ([Point(x: 3, y: 2), Point(x: 60, y: 2), Point(x: 60, y: 68), Point(x: 3, y: 68)], 41, 48),
        ]
        for (quad, outWidth, outHeight) in quads {
            let map = Homography(unitSquareTo: quad)
            let (w, h) = (Double(outWidth) * 1.7, Double(outHeight) * 2.3)
            #expect(LineCrop.warp(image, map: map, sourceWidth: w, sourceHeight: h, outWidth: outWidth, outHeight: outHeight)
                    == Self.referenceWarp(image, map: map, sourceWidth: w, sourceHeight: h, outWidth: outWidth, outHeight: outHeight))
        }
    }
}
