import QZoomCore

/// Reading order for detected lines: top to bottom by rows, left to right within a row.
///
/// Boxes on one printed row rarely share a top edge (different fonts, slight skew, a price beside its
/// item), so rows are grouped by geometry rather than by a fixed pixel tolerance: going down the boxes
/// by their vertical centres, a box joins the current row when its centre and the centre of the box
/// that opened the row each lie within the other's vertical extent. The rule is scale-free, so a
/// coarse and a fine pass order the same lines alike, and it is symmetric, so a tall box (a logo, a
/// stamp) cannot pull the rows beside it into its own.
public enum ReadingOrder {
    /// The indices of `boxes` in reading order.
    public static func order(_ boxes: [Rect]) -> [Int] {
        let byCentre = boxes.indices.sorted {
            boxes[$0].midY != boxes[$1].midY ? boxes[$0].midY < boxes[$1].midY : boxes[$0].minX < boxes[$1].minX
        }
        var rows: [[Int]] = []
        for i in byCentre {
            if let anchor = rows.last?.first, sharesRow(boxes[anchor], boxes[i]) {
                rows[rows.count - 1].append(i)
            } else {
                rows.append([i])
            }
        }
        return rows.flatMap { row in
            row.sorted { boxes[$0].minX != boxes[$1].minX ? boxes[$0].minX < boxes[$1].minX : boxes[$0].minY < boxes[$1].minY }
        }
    }

    static func sharesRow(_ a: Rect, _ b: Rect) -> Bool {
        b.midY >= a.minY && b.midY <= a.maxY && a.midY >= b.minY && a.midY <= b.maxY
    }
}
