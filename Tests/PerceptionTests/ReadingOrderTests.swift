import Testing
import QZoomCore
@testable import Perception

@Suite struct ReadingOrderTests {
    @Test func rowsTopToBottomAndLeftToRightWithinARow() {
        // A receipt: a title, an item with its price a little lower (smaller font), a second item.
        let boxes = [
            Rect(x: 300, y: 52, width: 60, height: 14),    // 0: price of item 1
            Rect(x: 20, y: 10, width: 200, height: 24),    // 1: title
            Rect(x: 20, y: 50, width: 150, height: 20),    // 2: item 1
            Rect(x: 300, y: 82, width: 60, height: 18),    // 3: price of item 2
            Rect(x: 20, y: 80, width: 150, height: 20),    // 4: item 2
        ]
        #expect(ReadingOrder.order(boxes) == [1, 2, 0, 4, 3])
    }

    @Test func aTallBoxDoesNotSwallowTheRowsBesideIt() {
        let boxes = [
            Rect(x: 0, y: 0, width: 80, height: 100),      // 0: a stamp
            Rect(x: 100, y: 5, width: 100, height: 20),    // 1
            Rect(x: 100, y: 40, width: 100, height: 20),   // 2: beside the stamp's middle
            Rect(x: 100, y: 75, width: 100, height: 20),   // 3
        ]
        // The stamp shares a row with the line beside its middle only; grouped by overlap alone it
        // would pull 1 and 3 into that row too.
        #expect(ReadingOrder.order(boxes) == [1, 0, 2, 3])
    }

    @Test func emptyInputGivesEmptyOrder() {
        #expect(ReadingOrder.order([]).isEmpty)
    }
}
