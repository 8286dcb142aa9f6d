import Foundation

/// The pixel size of a JPEG from its start-of-frame marker: the oracle benchmark needs page sizes
/// for position hints without depending on the raster stage.
enum JPEGSize {
    static func read(_ url: URL) -> (width: Int, height: Int)? {
        guard let data = try? Data(contentsOf: url), data.count > 4, data[0] == 0xFF, data[1] == 0xD8 else { return nil }
        let bytes = [UInt8](data)
        var position = 2
        while position + 9 < bytes.count {
            guard bytes[position] == 0xFF else { return nil }
            let marker = bytes[position + 1]
            if marker == 0xFF { position += 1; continue }
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            // SOF0…SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                let height = Int(bytes[position + 5]) << 8 | Int(bytes[position + 6])
                let width = Int(bytes[position + 7]) << 8 | Int(bytes[position + 8])
                return width > 0 && height > 0 ? (width, height) : nil
            }
            guard length >= 2 else { return nil }
            position += 2 + length
        }
        return nil
    }
}
