import ImageKit

extension PixelBuffer where Format == RGB {
    /// Draws `face` so a person can check it: the detection box (blue), the landmark box
    /// (yellow), the 68 points (green; the person's right eye and brow in red so a left/right
    /// swap shows), the eye centres and eye line, and the chin point. Sizes follow the face.
    public mutating func annotate(_ face: DetectedFace, label: String? = nil) {
        let lm = face.landmarks
        let unit = max(1, lm.interEyeDistance / 60)
        let line = max(1, Int(unit.rounded()))
        drawRectangle(face.box, color: .blue, thickness: line)
        drawRectangle(lm.boundingBox, color: .yellow, thickness: line)
        let personRight = Set(Array(17...21) + Array(36...41))
        for (i, p) in lm.points.enumerated() {
            drawCircle(center: (p.x, p.y), radius: 1.6 * unit, color: personRight.contains(i) ? .red : .green,
                       filled: true)
        }
        let r = lm.rightEyeCenter, l = lm.leftEyeCenter
        drawLine(from: (r.x, r.y), to: (l.x, l.y), color: .white, thickness: line)
        for centre in [r, l] {
            drawCircle(center: (centre.x, centre.y), radius: 3 * unit, color: .white, thickness: line)
        }
        drawCircle(center: (lm.chin.x, lm.chin.y), radius: 4 * unit, color: .yellow, thickness: line)
        if let label {
            drawText(label, at: (Double(face.box.x), Double(face.box.y) - 4 * unit), height: 8 * unit,
                     color: .yellow, thickness: line)
        }
    }
}
