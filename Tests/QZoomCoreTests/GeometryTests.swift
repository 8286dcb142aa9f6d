import Testing
@testable import QZoomCore

@Suite struct GeometryTests {
    @Test func iouOfIdenticalAndDisjointRects() {
        let a = Rect(x: 0, y: 0, width: 10, height: 10)
        #expect(a.iou(a) == 1)
        #expect(a.iou(Rect(x: 20, y: 20, width: 5, height: 5)) == 0)
        #expect(abs(a.iou(Rect(x: 5, y: 0, width: 10, height: 10)) - 50.0 / 150.0) < 1e-12)
    }

    @Test func pageImageMapsPixelsBackToThePage() {
        let region = Rect(x: 100, y: 200, width: 50, height: 25)
        let image = PageImage(width: 100, height: 50, channels: 1, pixels: [UInt8](repeating: 0, count: 5000), region: region)
        let p = image.pixelToPage(Point(x: 10, y: 20))
        #expect(p == Point(x: 105, y: 210))
        #expect(image.pageToPixel(p) == Point(x: 10, y: 20))
    }
}
