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
