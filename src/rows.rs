//! Numbers per row, in compressed rows: row `r` is `items[offsets[r]..offsets[r + 1]]`
//! (for each module, the sites that depend on it; for each site, its implicit parents).

#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Rows {
    #[serde(deserialize_with = "crate::exact::exact")]
    pub offsets: Vec<u32>,
    #[serde(deserialize_with = "crate::exact::exact")]
    pub items: Vec<u32>,
}

impl Rows {
    pub fn push_row(&mut self, row: impl Iterator<Item = u32>) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.items.extend(row);
        self.offsets.push(self.items.len() as u32);
    }

    /// Row `r`, empty when there is no such row.
    pub fn row(&self, r: usize) -> &[u32] {
        match (self.offsets.get(r), self.offsets.get(r + 1)) {
            (Some(&start), Some(&end)) => {
                self.items.get(start as usize..end as usize).unwrap_or(&[])
            }
            _ => &[],
        }
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
